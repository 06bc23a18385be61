export * from './connection-view.schema';
export * from './connection-views.repository';
export * from './connection-events.consumer';
export * from './connection-views.module';
