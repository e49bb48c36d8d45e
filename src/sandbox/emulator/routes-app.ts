import type { EmulatorCore } from './core.js';
import { DiscordErrors } from './errors.js';
import type { RouteContext, RouteDef } from './router.js';
import { toApiChannel, toApiMember, toApiRole, toApiUser, type Json } from './shapes.js';
import { validateBody } from './validation.js';

/** Gateway discovery, the bot's own user and application, users, guilds and application commands. */
export function applicationRoutes(core: EmulatorCore): RouteDef[] {
	const { world } = core;
	const requireApp = (ctx: RouteContext) => {
		if (ctx.params.application_id !== world.application.id) throw DiscordErrors.missingAccess();
	};
	const requireGuild = (ctx: RouteContext) => {
		const guild = world.guilds.get(ctx.params.guild_id ?? '');
		if (!guild) throw DiscordErrors.unknownGuild();
		return guild;
	};
	const commandRoutes = (template: string, guildOf: (ctx: RouteContext) => string | undefined): RouteDef[] => [
		{
			method: 'GET',
			template,
			auth: 'bot',
			handle: (ctx) => {
				requireApp(ctx);
				return { status: 200, body: core.commands.list(guildOf(ctx)) };
			},
		},
		{
			method: 'PUT',
			template,
			auth: 'bot',
			handle: (ctx) => {
				requireApp(ctx);
				const guildId = guildOf(ctx);
				validateBody('commandsBulk', ctx.body);
				return { status: 200, body: core.commands.overwrite(ctx.body as Json[], guildId) };
			},
		},
		{
			method: 'POST',
			template,
			auth: 'bot',
			handle: (ctx) => {
				requireApp(ctx);
				const guildId = guildOf(ctx);
				validateBody('commandCreate', ctx.body);
				return { status: 201, body: core.commands.upsert(ctx.body as Json, guildId) };
			},
		},
	];

	return [
		{ method: 'GET', template: '/gateway', auth: 'none', handle: () => ({ status: 200, body: { url: core.gatewayUrl() } }) },
		{
			method: 'GET',
			template: '/gateway/bot',
			auth: 'bot',
			handle: () => {
				const { recommended, maxConcurrency } = core.gatewayShards();
				return {
					status: 200,
					body: {
						url: core.gatewayUrl(),
						shards: recommended,
						session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: maxConcurrency },
					},
				};
			},
		},
		{
			method: 'GET',
			template: '/users/@me',
			auth: 'bot',
			handle: () => ({ status: 200, body: { ...toApiUser(world.bot), verified: true, mfa_enabled: false, email: null, locale: 'en-US' } }),
		},
		{
			method: 'GET',
			template: '/users/{user_id}',
			auth: 'bot',
			handle: (ctx) => {
				const user = world.users.get(ctx.params.user_id ?? '');
				if (!user) throw DiscordErrors.unknownUser();
				return { status: 200, body: toApiUser(user) };
			},
		},
		{
			method: 'GET',
			template: '/applications/@me',
			auth: 'bot',
			handle: () => ({
				status: 200,
				body: {
					id: world.application.id,
					name: world.application.name,
					icon: null,
					description: 'Research papers, delivered (local emulator).',
					summary: '',
					type: null,
					bot_public: true,
					bot_require_code_grant: false,
					verify_key: '0'.repeat(64),
					flags: world.application.flags,
					bot: toApiUser(world.bot),
					owner: toApiUser(world.bot),
					team: null,
					tags: [],
					approximate_guild_count: world.guilds.size,
					integration_types_config: { '0': {} },
				},
			}),
		},
		{
			method: 'GET',
			template: '/guilds/{guild_id}',
			auth: 'bot',
			handle: (ctx) => {
				const guild = requireGuild(ctx);
				return {
					status: 200,
					body: {
						id: guild.id,
						name: guild.name,
						icon: null,
						owner_id: guild.ownerId,
						roles: guild.roles.map(toApiRole),
						emojis: [],
						stickers: [],
						features: [],
						preferred_locale: guild.locale,
					},
				};
			},
		},
		{
			method: 'GET',
			template: '/guilds/{guild_id}/channels',
			auth: 'bot',
			handle: (ctx) => ({ status: 200, body: requireGuild(ctx).channelIds.map((id) => toApiChannel(world, world.requireChannel(id))) }),
		},
		{
			method: 'GET',
			template: '/guilds/{guild_id}/members/{user_id}',
			auth: 'bot',
			handle: (ctx) => {
				const member = requireGuild(ctx).members.get(ctx.params.user_id ?? '');
				if (!member) throw DiscordErrors.unknownMember();
				return { status: 200, body: toApiMember(world, member) };
			},
		},
		...commandRoutes('/applications/{application_id}/commands', () => undefined),
		...commandRoutes('/applications/{application_id}/guilds/{guild_id}/commands', (ctx) => requireGuild(ctx).id),
	];
}
