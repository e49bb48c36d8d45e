import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// End-to-end suites bind loopback ports and spawn clients; two cores is the CI budget.
		pool: 'forks',
		maxWorkers: 2,
	},
});
