import type { IncomingHttpHeaders } from 'node:http';
import type { UploadedFile } from './multipart.js';

export interface RouteContext {
	method: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	body: unknown;
	/** Files of a multipart body (`files[n]` parts), checked against the upload limit already. */
	files: readonly UploadedFile[];
	headers: IncomingHttpHeaders;
}

export interface RouteResult {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface RouteDef {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	/** Discord's template, params in braces: `/channels/{channel_id}/messages`. */
	template: string;
	/** Bot routes need `Authorization: Bot <token>`; interaction and webhook-token routes need none. */
	auth: 'bot' | 'none';
	/** The param naming the channel whose message bucket this route spends, if any. */
	messageBucket?: string;
	handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

export type RouteMatch = { kind: 'found'; route: RouteDef; params: Record<string, string> } | { kind: 'wrongMethod'; template: string } | { kind: 'none' };

/** Matches decoded path segments against templates; literal segments win over params (`@original` over `{message_id}`). */
export function matchRoute(routes: readonly RouteDef[], method: string, segments: readonly string[]): RouteMatch {
	let wrongMethod: string | undefined;
	let best: { route: RouteDef; params: Record<string, string>; literals: number } | undefined;
	for (const route of routes) {
		const parts = route.template.split('/').filter(Boolean);
		if (parts.length !== segments.length) continue;
		const params: Record<string, string> = {};
		let literals = 0;
		const ok = parts.every((part, i) => {
			const segment = segments[i] ?? '';
			if (part.startsWith('{')) {
				params[part.slice(1, -1)] = segment;
				return true;
			}
			literals += 1;
			return part === segment;
		});
		if (!ok) continue;
		if (route.method !== method) {
			wrongMethod ??= route.template;
			continue;
		}
		if (!best || literals > best.literals) best = { route, params, literals };
	}
	if (best) return { kind: 'found', route: best.route, params: best.params };
	return wrongMethod ? { kind: 'wrongMethod', template: wrongMethod } : { kind: 'none' };
}
