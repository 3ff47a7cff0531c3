export * from './common'
export * from './binding'
export * from './views'
export * from './functions'
