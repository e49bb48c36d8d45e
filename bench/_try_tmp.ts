import { loadRealCorpus, synthesizeCorpus, loadSeed } from './corpus.ts';
import { buildPaperIndex } from '../src/search/index.ts';
const size = Number(process.argv[2] ?? 9577);
let t = performance.now();
const real = loadRealCorpus();
const papers = synthesizeCorpus(real, size);
console.log('load+synth', (performance.now() - t).toFixed(0), papers.length);
t = performance.now();
const index = buildPaperIndex(papers);
console.log('build', (performance.now() - t).toFixed(0), 'rss', (process.memoryUsage().rss / 1e6).toFixed(0));
for (const q of ['difusion', 'reinforcment learning', 'quantizaton', 'RLHF', 'DPO', '3DGS', 'preference optimization LLM', 'video generation', 'the', 'lora', 'mixture of experts', papers[5]!.abstract.slice(0, 700)]) {
  t = performance.now();
  const hits = index.search(q, 5);
  const dt = performance.now() - t;
  console.log(dt.toFixed(1), JSON.stringify(q.slice(0, 40)), hits.slice(0, 3).map((h) => `${h.score.toFixed(3)} ${h.paper.title.slice(0, 60)}`));
}
for (const p of ['di', 'tr', 'll', 'a', 'diffusion tr', 'gau', 'difusion', '']) {
  t = performance.now();
  const r = index.autocomplete(p, 25);
  console.log('ac', (performance.now() - t).toFixed(2), JSON.stringify(p), r.length, r.slice(0, 2).map((x) => x.title.slice(0, 50)));
}
t = performance.now();
console.log('similar', index.similar(papers[5]!.id).map((h) => `${h.score.toFixed(2)} ${h.paper.title.slice(0, 50)}`), (performance.now() - t).toFixed(1));
