import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';
import { IsOmittable } from './is-omittable.decorator';

class PatchDto {
  @IsOmittable()
  @IsString()
  title?: string;

  @IsOptional()
  @IsString()
  quote_char?: string | null;
}

function failingProperties(plain: object): string[] {
  return validateSync(plainToInstance(PatchDto, plain)).map((error) => error.property);
}

describe('IsOmittable', () => {
  it('should skip the validators when the property is absent', () => {
    expect(failingProperties({})).toEqual([]);
  });

  it('should run the validators when the property is null', () => {
    expect(failingProperties({ title: null })).toEqual(['title']);
  });

  it('should run the validators when the property has a value of the wrong type', () => {
    expect(failingProperties({ title: 12 })).toEqual(['title']);
  });

  it('should accept a valid value', () => {
    expect(failingProperties({ title: 'Water quality' })).toEqual([]);
  });

  it('should differ from IsOptional, which lets null through, when the field is nullable', () => {
    expect(failingProperties({ quote_char: null })).toEqual([]);
  });
});
