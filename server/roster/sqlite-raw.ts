/** Moved to the persons bulk writer (server/repositories/person-bulk/); kept for existing importers. */
export { rawSqliteHandle } from '../repositories/person-bulk/sqlite-handle'
