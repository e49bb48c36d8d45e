/**
 * Which requests a fault applies to: a route template (`/channels/{channel_id}/messages`, optionally prefixed
 * with the method), a path pattern, or a predicate.
 */
export type RouteMatcher = string | RegExp | ((request: RequestInfo) => boolean);

export interface RequestInfo {
	method: string;
	route: string | null;
	path: string;
}

export interface FaultScope {
	match?: RouteMatcher;
	/** How many matching requests get the fault; default 1 (latency: unlimited). */
	times?: number;
}

export interface RateLimitFault extends FaultScope {
	/** Seconds, sent in `Retry-After` and the body's `retry_after`; default 1. */
	retryAfter?: number;
	/** A global (all-routes) limit: `X-RateLimit-Global: true`, scope `global`. */
	global?: boolean;
	/** `X-RateLimit-Scope` for a route limit: `user` (default) or `shared`. */
	scope?: 'user' | 'shared';
}

export interface ServerErrorFault extends FaultScope {
	/** 500, 502, 503 or 504; default 500. */
	status?: number;
}

export interface LatencyFault extends FaultScope {
	ms: number;
}

export type InjectedFailure = { kind: 'rateLimit'; retryAfter: number; global: boolean; scope: 'user' | 'shared' } | { kind: 'serverError'; status: number };

interface Rule {
	match?: RouteMatcher;
	remaining: number;
	apply: { failure?: InjectedFailure; latencyMs?: number };
}

/** Failures a test asks for; each matching request consumes one use of the first rule that matches it. */
export class FaultInjector {
	#rules: Rule[] = [];

	rateLimit(fault: RateLimitFault = {}): void {
		const failure: InjectedFailure = { kind: 'rateLimit', retryAfter: fault.retryAfter ?? 1, global: fault.global ?? false, scope: fault.scope ?? 'user' };
		this.#rules.push({ match: fault.match, remaining: fault.times ?? 1, apply: { failure } });
	}

	serverError(fault: ServerErrorFault = {}): void {
		this.#rules.push({ match: fault.match, remaining: fault.times ?? 1, apply: { failure: { kind: 'serverError', status: fault.status ?? 500 } } });
	}

	latency(fault: LatencyFault): void {
		this.#rules.push({ match: fault.match, remaining: fault.times ?? Number.POSITIVE_INFINITY, apply: { latencyMs: fault.ms } });
	}

	clear(): void {
		this.#rules = [];
	}

	/** The latency to add and the failure to answer with, if any; consumes the rules it uses. */
	take(request: RequestInfo): { latencyMs: number; failure?: InjectedFailure } {
		let latencyMs = 0;
		let failure: InjectedFailure | undefined;
		for (const rule of this.#rules) {
			if (rule.remaining <= 0 || !matches(rule.match, request)) continue;
			if (rule.apply.latencyMs !== undefined) {
				latencyMs += rule.apply.latencyMs;
				rule.remaining -= 1;
			} else if (!failure && rule.apply.failure) {
				failure = rule.apply.failure;
				rule.remaining -= 1;
			}
		}
		this.#rules = this.#rules.filter((rule) => rule.remaining > 0);
		return failure ? { latencyMs, failure } : { latencyMs };
	}
}

function matches(matcher: RouteMatcher | undefined, request: RequestInfo): boolean {
	if (matcher === undefined) return true;
	if (typeof matcher === 'function') return matcher(request);
	if (matcher instanceof RegExp) return matcher.test(request.path);
	const [method, route] = matcher.includes(' ') ? matcher.split(' ', 2) : [undefined, matcher];
	if (method && method.toUpperCase() !== request.method) return false;
	return route === request.route || route === request.path;
}
