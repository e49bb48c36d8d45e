/** Topics the digest benchmarks give their schedules (1 to 3 each, 30% none): common ones, typo-free. */
export const BENCH_TOPICS = [
	'diffusion',
	'LLM agents',
	'reinforcement learning',
	'RLHF',
	'vision transformer',
	'quantization',
	'retrieval augmented generation',
	'speech',
	'robotics',
	'benchmark',
	'3D gaussian splatting',
	'video generation',
	'code generation',
	'mixture of experts',
	'preference optimization',
	'multimodal',
	'reasoning',
	'safety',
	'long context',
	'tokenizer',
];

/** A schedule's topics, drawn with `random`: none for 30% of them, else 1 to 3. */
export function benchTopics(random: () => number): string[] {
	if (random() < 0.3) return [];
	return Array.from({ length: 1 + Math.floor(random() * 3) }, () => BENCH_TOPICS[Math.floor(random() * BENCH_TOPICS.length)] as string);
}
