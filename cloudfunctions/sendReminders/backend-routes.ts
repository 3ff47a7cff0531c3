/**
 * The reminder routes used to be added to BackendRoutes here; they are in the endpoint table now
 * (src/core/contracts/endpoints.ts). Kept empty for the local scheduler's side-effect imports.
 */
export {}
