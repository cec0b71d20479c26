import { describe, expect, it } from 'vitest';
import { ConversationStore, foldMessages, historyKey } from '../../src/proxy/conversation-store.js';
import type { ChatMessage } from '../../src/proxy/openai-schemas.js';

const u = (content: string): ChatMessage => ({ role: 'user', content });
const a = (content: string): ChatMessage => ({ role: 'assistant', content });
const s = (content: string): ChatMessage => ({ role: 'system', content });
const thread = { session: 's1', chatId: 'chat-1', responseId: 'resp-1' };

describe('foldMessages', () => {
  it('sends a lone user message as it is', () => {
    expect(foldMessages([u('Hello!')])).toBe('Hello!');
  });

  it('folds a history into labelled paragraphs, developer counted as System', () => {
    expect(
      foldMessages([s('Be brief.'), { role: 'developer', content: 'No emoji.' }, u('Hi'), a('Hello.'), u('Bye')]),
    ).toBe('System: Be brief.\n\nSystem: No emoji.\n\nUser: Hi\n\nAssistant: Hello.\n\nUser: Bye');
  });
});

describe('ConversationStore', () => {
  it('plans a new folded chat for a history it has never seen', () => {
    const store = new ConversationStore();
    expect(store.plan([s('sys'), u('Hi')])).toEqual({ kind: 'new', prompt: 'System: sys\n\nUser: Hi' });
  });

  it('continues the remembered chat with only the messages after the last assistant message', () => {
    const store = new ConversationStore();
    store.remember([u('Hi')], 'Hello.', thread);
    expect(store.plan([u('Hi'), a('Hello.'), u('How are you?')])).toEqual({
      kind: 'continue',
      prompt: 'How are you?',
      thread,
    });
  });

  it('matches the echoed answer whatever whitespace the client kept around it', () => {
    const store = new ConversationStore();
    store.remember([u('Hi')], 'Hello.\n', thread);
    expect(store.plan([u('Hi'), a('  Hello.'), u('Next')]).kind).toBe('continue');
  });

  it('opens a new chat when the client edited an earlier message', () => {
    const store = new ConversationStore();
    store.remember([u('Hi')], 'Hello.', thread);
    expect(store.plan([u('Hi!'), a('Hello.'), u('Next')]).kind).toBe('new');
  });

  it('folds several new messages after the remembered answer', () => {
    const store = new ConversationStore();
    store.remember([u('Hi')], 'Hello.', thread);
    expect(store.plan([u('Hi'), a('Hello.'), s('Now be formal.'), u('Next')])).toMatchObject({
      kind: 'continue',
      prompt: 'System: Now be formal.\n\nUser: Next',
    });
  });

  it('forgets the least recently used conversation beyond its bound', () => {
    const store = new ConversationStore(2);
    store.remember([u('1')], 'a', { ...thread, chatId: 'c1' });
    store.remember([u('2')], 'b', { ...thread, chatId: 'c2' });
    expect(store.lookup([u('1'), a('a')])?.chatId).toBe('c1'); // now the most recent
    store.remember([u('3')], 'c', { ...thread, chatId: 'c3' });
    expect(store.size).toBe(2);
    expect(store.lookup([u('2'), a('b')])).toBeUndefined();
    expect(store.lookup([u('1'), a('a')])?.chatId).toBe('c1');
  });

  it('keys histories by role as well as text', () => {
    expect(historyKey([u('x')])).not.toBe(historyKey([a('x')]));
  });
});
