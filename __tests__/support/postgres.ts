/** The tests' throw-away PostgreSQL server: the same helper the cluster launcher and the benchmarks use. */
export * from '../../scripts/support/throwaway-postgres'
