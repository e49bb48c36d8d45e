/** Where test/support/crash-bot.ts can kill itself during a fan-out, in the order a digest passes them. */
export const CRASH_POINTS = ['before-pending', 'after-pending', 'in-flight', 'after-accepted', 'after-record'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
