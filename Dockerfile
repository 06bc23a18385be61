# One image per app: docker build --build-arg APP=connections -t s3c-connections .
# APP is one of connections, credential-broker, dataset-import.
FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json ./
COPY libs/auth/package.json libs/auth/
COPY libs/connection-views/package.json libs/connection-views/
COPY libs/contracts/package.json libs/contracts/
COPY libs/nest-kit/package.json libs/nest-kit/
COPY libs/parsing/package.json libs/parsing/
COPY libs/testing/package.json libs/testing/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY tools/build.mjs tools/
COPY apps apps
COPY libs libs
RUN node tools/build.mjs

FROM node:20-bookworm-slim AS runtime
ARG APP
# A capped heap keeps the importer's memory flat (docs/performance.md).
ENV NODE_ENV=production APP=${APP} NODE_OPTIONS=--max-old-space-size=128
WORKDIR /srv
COPY package.json package-lock.json ./
COPY --from=build /repo/libs/auth/package.json libs/auth/
COPY --from=build /repo/libs/connection-views/package.json libs/connection-views/
COPY --from=build /repo/libs/contracts/package.json libs/contracts/
COPY --from=build /repo/libs/nest-kit/package.json libs/nest-kit/
COPY --from=build /repo/libs/parsing/package.json libs/parsing/
COPY --from=build /repo/libs/testing/package.json libs/testing/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist dist
USER node
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
