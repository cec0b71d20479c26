/**
 * The request bodies of the 2026-08 front end (build 0.2.87, protocol.md §9.11 to §9.13), as pure
 * builders: the simulator's page fills their templates and the era's `web` and `modern` shapes
 * (shapes.ts) send them, so the page and the shapes cannot drift apart.
 */
import type { FrontEndChoices } from './eras.js';

/** chats/new of 2026-07-31 on (§9.12): `chatId:""`, `project_id:""`, a ms timestamp, no `title`. */
export function chatsNewBody2026(model: string, nowMs: number): Record<string, unknown> {
  return { chatId: '', models: [model], project_id: '', timestamp: nowMs, chat_type: 't2t', chat_mode: 'normal' };
}

export interface CompletionBody2026Input {
  readonly chatId: string;
  readonly model: string;
  readonly prompt: string;
  readonly parentId: string | null;
  readonly fid: string;
  readonly childId: string;
  readonly nowMs: number;
  /** The message's feature_config before the 2026 additions (`webFeatureConfig` of shapes.ts). */
  readonly featureConfig: Record<string, unknown>;
  /** Body `version` (`WebClient.bodyVersion`). */
  readonly bodyVersion: string;
  readonly choices: FrontEndChoices;
}

/**
 * The completion body of front end 0.2.87: the family-B envelope plus both spellings of the chat and
 * parent ids, and the message fields `id`, `model`, `status`, `contentType` and
 * `feature_config.instructions` (§9.13). The choices decide the disputed `model` and `timestamp`.
 */
export function completionBody2026(input: CompletionBody2026Input): Record<string, unknown> {
  const seconds = Math.floor(input.nowMs / 1000);
  return {
    stream: true,
    version: input.bodyVersion,
    incremental_output: true,
    chat_id: input.chatId,
    chatId: input.chatId,
    chat_mode: 'normal',
    model: input.model,
    parent_id: input.parentId,
    parentId: input.parentId,
    messages: [
      {
        fid: input.fid,
        parentId: input.parentId,
        childrenIds: [input.childId],
        role: 'user',
        content: input.prompt,
        user_action: 'chat',
        files: [],
        timestamp: seconds,
        models: [input.model],
        chat_type: 't2t',
        feature_config: { ...input.featureConfig, instructions: null },
        extra: { meta: { subChatType: 't2t' } },
        sub_chat_type: 't2t',
        parent_id: input.parentId,
        id: null,
        model: input.choices.messageModel === 'empty' ? '' : input.model,
        status: 'completed',
        contentType: 'text',
      },
    ],
    timestamp: input.choices.completionTimestamp === 'ms' ? input.nowMs : seconds,
  };
}
