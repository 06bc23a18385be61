import mongoose, { Schema, type Connection } from 'mongoose';
import { currentEnvironment } from './integration-environment';
import { uniqueDatabaseName } from './unique-names';

interface Fruit {
  _id: string;
  domain: string;
  name: string;
  price: number;
  tags: string[];
}

const FruitSchema = new Schema<Fruit>({
  _id: { type: String, required: true },
  domain: { type: String, required: true },
  name: { type: String, required: true },
  price: { type: Number, required: true },
  tags: { type: [String], default: [] },
});
// One name per domain.
FruitSchema.index({ domain: 1, name: 1 }, { unique: true });

describe('the document store (MongoDB wire protocol)', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(currentEnvironment().mongodbUri, { dbName: uniqueDatabaseName('store'), retryWrites: false })
      .asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('should round-trip a document through a mongoose model', async () => {
    const Fruits = connection.model('Fruit', FruitSchema);
    await Fruits.init();

    await Fruits.create({ _id: 'f1', domain: 'mvdomain', name: 'apple', price: 1.5, tags: ['red', 'sweet'] });
    const stored = await Fruits.findOne({ _id: 'f1', domain: 'mvdomain' }).lean().exec();

    expect(stored).toEqual({ _id: 'f1', domain: 'mvdomain', name: 'apple', price: 1.5, tags: ['red', 'sweet'], __v: 0 });
  });

  it('should enforce a unique index with a duplicate-key error (11000)', async () => {
    const Fruits = connection.model('Fruit', FruitSchema);
    await Fruits.init();
    await Fruits.create({ _id: 'p1', domain: 'mvdomain', name: 'pear', price: 2 });

    const duplicate = await Fruits.create({ _id: 'p2', domain: 'mvdomain', name: 'pear', price: 3 }).then(
      () => undefined,
      (error: { code?: number }) => error.code,
    );
    const otherDomain = await Fruits.create({ _id: 'p3', domain: 'otherdomain', name: 'pear', price: 3 });

    expect(duplicate).toBe(11000);
    expect(otherDomain.name).toBe('pear');
    expect(await Fruits.countDocuments({ name: 'pear' })).toBe(2);
  });
});
