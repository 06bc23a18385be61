import { datasetIdFromTitle, isValidDatasetId } from './dataset-id';

describe('dataset technical identifiers', () => {
  it.each([
    ["Qualité de l'eau 2024", 'qualite-de-l-eau-2024'],
    ['  Fruits & Légumes  ', 'fruits-legumes'],
    ['snake_case_kept', 'snake_case_kept'],
    ['???', 'dataset'],
    ['A'.repeat(200), 'a'.repeat(90)],
  ])('should derive %j as %j', (title, expected) => {
    expect(datasetIdFromTitle(title)).toBe(expected);
    expect(isValidDatasetId(expected)).toBe(true);
  });

  it.each(['Upper', 'with space', '-leading', 'é', '', 'a'.repeat(101)])('should refuse %j', (datasetId) => {
    expect(isValidDatasetId(datasetId)).toBe(false);
  });
});
