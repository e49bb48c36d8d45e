import { DiscordAPIError, MessageFlags, type TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DiscordLimits } from '../src/cards/limits.js';
import { parseMultipart } from '../src/sandbox/emulator/multipart.js';
import { sanitizeFilename } from '../src/sandbox/emulator/uploads.js';
import { useEmulators } from './support/emulator-client.js';

const { startBot } = useEmulators();

/** A multipart body by hand, for what discord.js never sends (a file part without a filename, a dangling reference). */
function multipart(payload: unknown, files: { field: string; filename?: string; data: string }[]): { body: Buffer; contentType: string } {
	const boundary = 'test-boundary-42';
	const parts = [
		`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n`,
	];
	for (const file of files) {
		const filename = file.filename === undefined ? '' : `; filename="${file.filename}"`;
		parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"${filename}\r\nContent-Type: text/plain\r\n\r\n${file.data}\r\n`);
	}
	return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('DiscordEmulator attachments', () => {
	it('stores a reply file with its name, size and type, and serves its exact bytes at its url', async () => {
		const bytes = Buffer.from('@misc{a,\n  title = {{Grüße}},\n}\n\u0000\u00ff', 'utf8');
		const { emu } = await startBot({}, async (interaction) => {
			if (!interaction.isRepliable()) return;
			await interaction.reply({
				content: 'your file',
				files: [{ attachment: bytes, name: 'paperboy-library.bib' }],
				flags: MessageFlags.Ephemeral,
				allowedMentions: { parse: [] },
			});
		});
		const reply = await emu.injectCommand({ name: 'paper' }).reply();
		const [attachment] = reply.attachments as { id: string; filename: string; size: number; url: string; content_type?: string }[];
		expect(attachment).toMatchObject({ filename: 'paperboy-library.bib', size: bytes.length });
		expect(emu.attachmentData(attachment?.id ?? '')?.equals(bytes)).toBe(true);
		const served = Buffer.from(await (await fetch(attachment?.url ?? '')).arrayBuffer());
		expect(served.equals(bytes)).toBe(true);
		expect(emu.requests({ route: '/interactions/{interaction_id}/{interaction_token}/callback' })[0]?.files).toEqual([
			expect.objectContaining({ field: 'files[0]', filename: 'paperboy-library.bib', size: bytes.length }),
		]);
	});

	it('refuses a file over the upload limit with 413 and code 40005, posting nothing', async () => {
		const { emu, client } = await startBot();
		const channel = (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
		const big = Buffer.alloc(DiscordLimits.attachmentBytes + 1, 'a');
		const error = await channel.send({ files: [{ attachment: big, name: 'big.txt' }], allowedMentions: { parse: [] } }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect(error).toMatchObject({ status: 413, code: 40005 });
		expect(emu.messages(emu.ids.channelId)).toEqual([]);
	});

	it('accepts a file at exactly the limit', async () => {
		const { emu, client } = await startBot();
		const channel = (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
		const message = await channel.send({
			files: [{ attachment: Buffer.alloc(DiscordLimits.attachmentBytes, 'a'), name: 'full.txt' }],
			allowedMentions: { parse: [] },
		});
		expect(message.attachments.first()?.size).toBe(DiscordLimits.attachmentBytes);
	});

	it('refuses a file part without a filename, an attachment reference with no file, and more than ten files', async () => {
		const { emu } = await startBot();
		const post = async (payload: unknown, files: { field: string; filename?: string; data: string }[]) => {
			const { body, contentType } = multipart(payload, files);
			const response = await fetch(`${emu.apiUrl}/v10/channels/${emu.ids.channelId}/messages`, {
				method: 'POST',
				headers: { Authorization: `Bot ${emu.token}`, 'Content-Type': contentType },
				body,
			});
			return { status: response.status, body: (await response.json()) as { code: number; errors?: unknown } };
		};
		expect(await post({ content: 'x' }, [{ field: 'files[0]', data: 'no name' }])).toMatchObject({
			status: 400,
			body: { code: 50035, errors: { 'files[0]': { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } } },
		});
		expect(await post({ content: 'x', attachments: [{ id: '1' }] }, [{ field: 'files[0]', filename: 'a.txt', data: 'a' }])).toMatchObject({
			status: 400,
			body: { code: 50035, errors: { attachments: { 0: { id: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND' }] } } } } },
		});
		const eleven = Array.from({ length: 11 }, (_, index) => ({ field: `files[${index}]`, filename: `f${index}.txt`, data: 'x' }));
		expect(await post({ content: 'x' }, eleven)).toMatchObject({
			status: 400,
			body: { code: 50035, errors: { attachments: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
		});
		expect(emu.messages(emu.ids.channelId)).toEqual([]);
	});

	it('sends a file-only message (no content) and needs Attach Files in a channel', async () => {
		const { emu, client } = await startBot();
		const channel = (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
		const sent = await channel.send({ files: [{ attachment: Buffer.from('a,b\r\n'), name: 'x.csv' }], allowedMentions: { parse: [] } });
		expect(sent.content).toBe('');
		emu.setBotPermissions(emu.ids.channelId, { deny: ['AttachFiles'] });
		const error = await channel
			.send({ files: [{ attachment: Buffer.from('a'), name: 'y.csv' }], allowedMentions: { parse: [] } })
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({ status: 403, code: 50013 });
	});
});

describe('sanitizeFilename', () => {
	it('keeps safe names and replaces spaces, path parts and other characters as Discord does', () => {
		expect(sanitizeFilename('paperboy-library_2.bib')).toBe('paperboy-library_2.bib');
		expect(sanitizeFilename('my library (1).csv')).toBe('my_library__1_.csv');
		expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
		expect(sanitizeFilename('Grüße.json')).toBe('Gr__e.json');
		expect(sanitizeFilename('...')).toBe('unknown');
	});
});

describe('parseMultipart', () => {
	it('keeps binary file bytes intact and reads quoted names with escaped quotes', () => {
		const data = Buffer.from([0, 13, 10, 45, 45, 255, 13, 10]);
		const body = Buffer.concat([
			Buffer.from('--b\r\nContent-Disposition: form-data; name="payload_json"\r\n\r\n{"content":"x"}\r\n'),
			Buffer.from('--b\r\nContent-Disposition: form-data; name="files[0]"; filename="a%22b.bin"\r\n\r\n'),
			data,
			Buffer.from('\r\n--b--\r\n'),
		]);
		const parsed = parseMultipart(body, 'b');
		expect(parsed?.payloadJson).toBe('{"content":"x"}');
		expect(parsed?.files[0]?.filename).toBe('a"b.bin');
		expect(parsed?.files[0]?.data.equals(data)).toBe(true);
	});

	it('answers undefined for a body that is not multipart', () => {
		expect(parseMultipart(Buffer.from('{"content":"x"}'), 'b')).toBeUndefined();
	});
});
