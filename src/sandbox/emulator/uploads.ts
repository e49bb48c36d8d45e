import { DiscordLimits } from '../../cards/limits.js';
import { DiscordErrors, DiscordHttpError, type FieldError, buildErrorTree } from './errors.js';
import type { UploadedFile } from './multipart.js';
import type { Json } from './shapes.js';

/**
 * Discord's rules for uploaded files, which no JSON schema holds: each file within the upload limit (413, 40005
 * past it), at most ten a message, a filename on every file part, and each `attachments[].id` of the payload
 * naming an uploaded `files[id]`. Filenames are sanitized as Discord does before it stores them.
 */

/** A file that passed the rules, with the id the payload refers to it by and the name Discord will keep. */
export interface AcceptedUpload {
	/** The `n` of `files[n]`. */
	index: string;
	filename: string;
	contentType: string | undefined;
	data: Buffer;
	description?: string;
	title?: string;
}

const FILE_FIELD = /^files\[(0|[1-9]\d*)\]$/;

/** Checked as soon as the body is read, on every route: Discord refuses an oversized upload before looking at the route. */
export function checkUploadSizes(files: readonly UploadedFile[], limit = DiscordLimits.attachmentBytes): void {
	if (files.some((file) => file.data.length > limit)) throw new DiscordHttpError(413, { code: 40005, message: 'Request entity too large' });
}

/**
 * Matches the files to the payload's `attachments` (`body` is the message part: the callback's `data`) and applies
 * the rules; throws Discord's 50035 for a broken reference, a missing filename or too many files. `kept` are the
 * ids of attachments the edited message already has, which an edit's `attachments` may list to keep them.
 */
export function acceptUploads(files: readonly UploadedFile[], body: Json | undefined, kept: ReadonlySet<string> = new Set()): AcceptedUpload[] {
	const errors: FieldError[] = [];
	const byIndex = new Map<string, UploadedFile>();
	for (const file of files) {
		const index = FILE_FIELD.exec(file.field)?.[1];
		if (index === undefined) continue;
		if (!file.filename || file.filename.trim() === '') {
			errors.push({ path: [file.field], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
			continue;
		}
		if (file.filename.length > DiscordLimits.attachmentFilename) {
			errors.push({ path: [file.field], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DiscordLimits.attachmentFilename} or fewer in length.` });
			continue;
		}
		byIndex.set(index, file);
	}
	if (byIndex.size > DiscordLimits.attachmentsPerMessage) {
		errors.push({ path: ['attachments'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DiscordLimits.attachmentsPerMessage} or fewer in length.` });
	}
	const described = Array.isArray(body?.attachments) ? (body.attachments as Json[]) : [];
	described.forEach((attachment, position) => {
		const id = String(attachment.id);
		if (!byIndex.has(id) && !kept.has(id)) {
			errors.push({ path: ['attachments', position, 'id'], code: 'ATTACHMENT_NOT_FOUND', message: 'Attachment data not found' });
		}
	});
	if (errors.length > 0) throw DiscordErrors.invalidFormBody(buildErrorTree(errors));
	return [...byIndex].map(([index, file]) => {
		const meta = described.find((attachment) => String(attachment.id) === index);
		const filename = typeof meta?.filename === 'string' && meta.filename !== '' ? meta.filename : (file.filename as string);
		const accepted: AcceptedUpload = { index, filename: sanitizeFilename(filename), contentType: file.contentType, data: file.data };
		if (typeof meta?.description === 'string') accepted.description = meta.description;
		if (typeof meta?.title === 'string') accepted.title = meta.title;
		return accepted;
	});
}

/**
 * What Discord keeps of a filename: path parts dropped, spaces and characters other than ASCII letters, digits,
 * '.', '-' and '_' replaced by '_'. A name left empty becomes `unknown`.
 */
export function sanitizeFilename(name: string): string {
	const base = name.split(/[\\/]/).at(-1) ?? '';
	const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
	return cleaned === '' ? 'unknown' : cleaned;
}

/** The ids of the attachments a message has, which an edit may keep by listing them. */
export function attachmentIds(message: Json): Set<string> {
	return new Set((Array.isArray(message.attachments) ? (message.attachments as Json[]) : []).map((attachment) => String(attachment.id)));
}
