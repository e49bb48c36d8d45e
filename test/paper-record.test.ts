import { describe, expect, it } from 'vitest';
import { paperFromExport, paperFromRecord } from '../src/papers/paper-record.js';

const exported = { id: 't-123', title: ' A  Title ', abstract: 'Text.', authors: [], listedOn: '2025-03-14', source: 'seed-dump' };

describe('paperFromRecord', () => {
	it('tells a Paperboy export from a Hugging Face entry', () => {
		const hf = paperFromRecord({ paper: { id: '2503.00001', title: 'T', summary: 'S.', authors: [] }, publishedAt: '2025-03-03T00:00:00Z' });
		expect(hf).toMatchObject({ ok: true, paper: { source: 'hf-daily', id: '2503.00001' } });
		expect(paperFromRecord(exported)).toMatchObject({ ok: true, paper: { source: 'seed-dump', title: 'A Title' } });
	});

	it('explains a Python repr string', () => {
		expect(paperFromRecord("{'paper': {'id': '1'}}")).toMatchObject({ ok: false, reason: expect.stringMatching(/^a Python repr string/) });
	});
});

describe('paperFromExport', () => {
	it('recomputes the id from the arXiv id or title and falls back to paper-json for an unknown source', () => {
		const result = paperFromExport({ ...exported, id: 'arXiv:2401.01234v3', source: 'elsewhere' });
		expect(result).toMatchObject({ ok: true, paper: { id: '2401.01234', arxivId: '2401.01234', source: 'paper-json' } });
	});

	it.each([
		[{ title: '' }, 'missing title'],
		[{ abstract: 3 }, 'missing abstract'],
		[{ listedOn: '2025-02-30' }, 'listedOn must be a YYYY-MM-DD date (got "2025-02-30")'],
		[{ arxivId: 'nope' }, 'arxivId is not an arXiv id (got "nope")'],
		[{ keywords: [1] }, 'keywords must be a list of strings'],
	])('rejects %j', (patch, reason) => {
		expect(paperFromExport({ ...exported, ...patch })).toEqual({ ok: false, reason });
	});
});
