import { DATASET_ID_PATTERN } from '@s3c/contracts';

/** A technical identifier from a title: `Qualité de l'eau 2024` → `qualite-de-l-eau-2024`. */
export function datasetIdFromTitle(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 90)
    .replace(/[-_]+$/, '');
  return slug || 'dataset';
}

export function isValidDatasetId(datasetId: string): boolean {
  return DATASET_ID_PATTERN.test(datasetId);
}
