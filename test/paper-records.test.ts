import { isAscii } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { decodePaperRecords, encodePaperRecords } from '../src/search/paper-records.js';
import { makePaper } from './search-helpers.js';

class RecordsError extends Error {}
const fail = (message: string): never => {
	throw new RecordsError(message);
};

const papers: Paper[] = [
	makePaper({
		id: '2401.00001',
		arxivId: '2401.00001',
		title: 'One',
		authors: ['Ada Lovelace', 'Alan Turing'],
		keywords: ['diffusion models'],
		listedOn: '2024-01-02',
	}),
	makePaper({ id: 't-0123456789ab', title: 'Two', authors: ['Alan Turing'], listedOn: '2024-01-02', codeUrl: 'https://github.com/a/b' }),
	// An arXiv id other than the paper's id stays as written.
	makePaper({ id: '2401.00003', arxivId: 'hep-th/9901001', title: 'Three "quoted"\nline', authors: [], keywords: ['diffusion models', 'ünïcode'], upvotes: 7 }),
];

const withoutAbstracts = (list: readonly Paper[]) => list.map(({ abstract: _, ...rest }) => rest);

async function roundTrip(list: readonly Paper[]) {
	const lines = encodePaperRecords(list);
	const paperLines: Buffer[] = [];
	for await (const line of lines.papers) paperLines.push(line);
	const encoded = { papers: Buffer.concat(paperLines), strings: Buffer.concat([...lines.strings()]) };
	return { encoded, decoded: decodePaperRecords(encoded.papers, encoded.strings, fail) };
}

describe('encodePaperRecords', () => {
	it('does write each repeated name, keyword and day once, in the string table', async () => {
		const { encoded } = await roundTrip(papers);
		const table = JSON.parse(encoded.strings.toString('utf8')) as string[];
		expect(table.filter((text) => text === 'Alan Turing')).toHaveLength(1);
		expect(table.filter((text) => text === 'diffusion models')).toHaveLength(1);
		expect(table.filter((text) => text === '2024-01-02')).toHaveLength(1);
		expect(encoded.papers.toString('utf8')).not.toContain('abstract');
	});

	it('does write papers that decode back to themselves, abstract aside', async () => {
		const { decoded } = await roundTrip(papers);
		expect(decoded).toStrictEqual(withoutAbstracts(papers));
	});

	it('does handle more papers than fit on one line, and none', async () => {
		const many = Array.from({ length: 1234 }, (_, i) =>
			makePaper({ id: `2402.${String(i).padStart(5, '0')}`, title: `Paper ${i}`, authors: [`Author ${i % 10}`] }),
		);
		expect((await roundTrip(many)).decoded).toStrictEqual(withoutAbstracts(many));
		expect((await roundTrip([])).decoded).toStrictEqual([]);
	});

	it('does write the papers as plain ASCII, every other character escaped, and read them back the same', async () => {
		const accented = [
			makePaper({ id: '2403.00001', title: 'Über “quotes” — and 日本語 😀', authors: ['José Núñez'], listedOn: '2024-03-01' }),
			makePaper({ id: '2403.00002', title: 'Plain', authors: ['A'], listedOn: '2024-03-01' }),
		];
		const { encoded, decoded } = await roundTrip(accented);
		expect(isAscii(encoded.papers)).toBe(true);
		expect(decoded).toStrictEqual(withoutAbstracts(accented));
	});

	it('does make its lines as they are asked for, not every paper first', async () => {
		const many = Array.from({ length: 1234 }, (_, i) => makePaper({ id: `2402.${String(i).padStart(5, '0')}`, title: `Paper ${i}` }));
		const read = new Set<string>();
		const watched = new Proxy(many, {
			get(target, key, receiver) {
				if (typeof key === 'string' && /^\d+$/.test(key)) read.add(key);
				return Reflect.get(target, key, receiver);
			},
		});
		const lines = encodePaperRecords(watched);
		await lines.papers.next();
		expect(read.size).toBe(500);
	});
});

describe('decodePaperRecords', () => {
	it('does refuse a paper naming a string the table does not hold', async () => {
		const { encoded } = await roundTrip(papers);
		const shortTable = Buffer.from(`${JSON.stringify(['Ada Lovelace'])}\n`);
		expect(() => decodePaperRecords(encoded.papers, shortTable, fail)).toThrow('a paper names a string the table does not hold');
	});

	it('does read papers from chunks that cut lines anywhere, and lines of UTF-8 (as older snapshots wrote them)', async () => {
		const many = Array.from({ length: 1234 }, (_, i) =>
			makePaper({ id: `2402.${String(i).padStart(5, '0')}`, title: `Pâper ${i} — ü`, authors: [`Author ${i % 10}`] }),
		);
		const { encoded } = await roundTrip(many);
		const utf8 = Buffer.from(JSON.stringify(JSON.parse(encoded.papers.toString('latin1').split('\n')[0] as string)), 'utf8');
		for (const size of [3, 4096, 100_000]) {
			const chunks = Array.from({ length: Math.ceil(encoded.papers.length / size) }, (_, i) => encoded.papers.subarray(i * size, (i + 1) * size));
			expect(decodePaperRecords(chunks, encoded.strings, fail)).toStrictEqual(withoutAbstracts(many));
		}
		expect(isAscii(utf8)).toBe(false);
		expect(decodePaperRecords(utf8, encoded.strings, fail)).toStrictEqual(withoutAbstracts(many.slice(0, 500)));
	});

	it('does refuse records that are not papers, tables that are not strings, and lines that are not JSON', () => {
		const table = Buffer.from('["a"]\n');
		expect(() => decodePaperRecords(Buffer.from('[{"title":"no id","authors":[]}]\n'), table, fail)).toThrow('a paper record is not a paper');
		expect(() => decodePaperRecords(Buffer.from('[{"id":"x","title":"t","authors":"a","listedOn":0}]\n'), table, fail)).toThrow(
			'a paper record is not a paper',
		);
		expect(() => decodePaperRecords(Buffer.from('[]\n'), Buffer.from('[1]\n'), fail)).toThrow('the string table holds a non-string');
		expect(() => decodePaperRecords(Buffer.from('[{"id"\n'), table, fail)).toThrow('the papers are not valid JSON');
		expect(() => decodePaperRecords(Buffer.from('{"id":"x"}\n'), table, fail)).toThrow('the papers are not lists');
	});
});
