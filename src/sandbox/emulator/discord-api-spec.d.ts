// discord-api-spec ships its zod schemas as plain JS without declarations; these are the ones the emulator uses.
declare module 'discord-api-spec/zod' {
	import type { ZodMiniType } from 'zod/mini';
	export const MessageCreateRequestSchema: ZodMiniType;
	export const MessageEditRequestPartialSchema: ZodMiniType;
	export const CreateMessageInteractionCallbackRequestSchema: ZodMiniType;
	export const UpdateMessageInteractionCallbackRequestSchema: ZodMiniType;
	export const ApplicationCommandAutocompleteCallbackRequestSchema: ZodMiniType;
	export const InteractionApplicationCommandAutocompleteCallbackStringDataSchema: ZodMiniType;
	export const InteractionApplicationCommandAutocompleteCallbackIntegerDataSchema: ZodMiniType;
	export const InteractionApplicationCommandAutocompleteCallbackNumberDataSchema: ZodMiniType;
	export const ModalInteractionCallbackRequestSchema: ZodMiniType;
	export const PongInteractionCallbackRequestSchema: ZodMiniType;
	export const LaunchActivityInteractionCallbackRequestSchema: ZodMiniType;
	export const IncomingWebhookRequestPartialSchema: ZodMiniType;
	export const IncomingWebhookUpdateRequestPartialSchema: ZodMiniType;
	export const ApplicationCommandUpdateRequestSchema: ZodMiniType;
	export const ApplicationCommandCreateRequestSchema: ZodMiniType;
	export const CreatePrivateChannelRequestSchema: ZodMiniType;
	export const CreateForumThreadRequestSchema: ZodMiniType;
	export const CreateTextThreadWithMessageRequestSchema: ZodMiniType;
}
