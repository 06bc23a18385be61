import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Who may depend on whom. Apps are wiring; contracts depend on nothing; pure libs stay free of
// Nest, mongoose and the AWS SDK; only the Nest kit and libs/testing may touch framework pieces.
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:nest-kit', 'type:data-access', 'type:testing'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:nest-kit', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing'] },
  { sourceTag: 'type:nest-kit', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:nest-kit'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts'] },
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: [],
    bannedExternalImports: ['@nestjs/*', 'mongoose', '@aws-sdk/*', '@smithy/*', 'kafkajs'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:connections', onlyDependOnLibsWithTags: ['scope:shared', 'scope:connections'] },
  { sourceTag: 'scope:credential-broker', onlyDependOnLibsWithTags: ['scope:shared', 'scope:credential-broker'] },
  { sourceTag: 'scope:dataset-import', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dataset-import'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
];

export default tseslint.config(
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '.infra', '.nx', '**/*.cjs', '**/*.js', '**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints, banTransitiveDependencies: false },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Config and message classes spell out `PORT: number = 3000` because class-transformer converts by the
      // emitted design type, which isolated-module compilation only emits for annotated properties.
      '@typescript-eslint/no-inferrable-types': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*/src/*', '**/libs/*/src/*'], message: 'Import another project through its @s3c/<lib> entry point.' }] }],
    },
  },
  {
    files: ['libs/parsing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*', 'mongoose', '@aws-sdk/*', '@smithy/*', 'kafkajs'], message: 'libs/parsing is pure: no framework, store or AWS imports.' }] }],
    },
  },
  {
    files: ['libs/auth/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*', 'mongoose', 'kafkajs'], message: 'libs/auth holds AWS logic only: no Nest, store or Kafka imports.' }] }],
    },
  },
  prettier,
);
