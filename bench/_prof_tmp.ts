import { loadRealCorpus, synthesizeCorpus } from './corpus.ts';
import { buildSegment } from '../src/search/segment.ts';
import { forEachToken } from '../src/search/tokenize.ts';
const papers = synthesizeCorpus(loadRealCorpus(), Number(process.argv[2] ?? 9577));
let t = performance.now();
let n = 0;
for (const p of papers) { forEachToken(p.title, () => n++); forEachToken(p.abstract, () => n++); for (const a of p.authors) forEachToken(a, () => n++); }
console.log('tokenize only', (performance.now() - t).toFixed(0), n);
for (let i = 0; i < 2; i++) {
t = performance.now();
buildSegment(papers);
console.log('build', (performance.now() - t).toFixed(0));
}
