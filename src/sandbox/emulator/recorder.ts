/** One HTTP request the bot made, as the emulator saw and answered it. */
export interface RecordedRequest {
	seq: number;
	method: string;
	/** Discord's route template, e.g. `/channels/{channel_id}/messages`; null when no route matched. */
	route: string | null;
	/** The decoded path after `/api/v10` (so `@original`, not `%40original`). */
	path: string;
	query: Record<string, string>;
	body: unknown;
	status: number;
	response: unknown;
	/** Emulator clock (ms) when the request arrived. */
	time: number;
	/** Set when the answer was a fault injected by a test, or the enforced rate limit. */
	fault?: 'rateLimit' | 'globalRateLimit' | 'serverError' | 'enforcedRateLimit';
	/** The files of a multipart request, without their bytes. */
	files?: { field: string; filename: string | undefined; contentType: string | undefined; size: number }[];
	/** Discord's error body for 4xx answers. */
	error?: { code: number; message: string; errors?: unknown };
}

export type RequestFilter = Partial<Pick<RecordedRequest, 'method' | 'route' | 'status'>> & { path?: string | RegExp };

/** Keeps every request in order and tells listeners as they complete. */
export class RequestRecorder {
	readonly #requests: RecordedRequest[] = [];
	#seq = 0;

	constructor(private readonly notify: (request: RecordedRequest) => void) {}

	nextSeq(): number {
		return ++this.#seq;
	}

	record(request: RecordedRequest): void {
		this.#requests.push(request);
		this.notify(request);
	}

	list(filter: RequestFilter = {}): RecordedRequest[] {
		return this.#requests.filter(
			(r) =>
				(filter.method === undefined || r.method === filter.method) &&
				(filter.route === undefined || r.route === filter.route) &&
				(filter.status === undefined || r.status === filter.status) &&
				(filter.path === undefined || (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))),
		);
	}

	/** Requests Discord would have refused (4xx), not counting faults a test injected on purpose. */
	rejected(): RecordedRequest[] {
		return this.#requests.filter((r) => r.status >= 400 && r.status < 500 && r.fault === undefined);
	}

	clear(): void {
		this.#requests.length = 0;
	}
}
