/**
 * Writes the model's tokenizer in the Hugging Face `tokenizer.json` format (WordLevel model,
 * NFC + Lowercase normalizer, syllable Split pre-tokenizer) and provides the reference
 * implementation the tests compare transformers.js against.
 *
 * transformers.js v4 (@huggingface/tokenizers 0.2) has no class named WordLevel: a model
 * with a `vocab` object and no `continuing_subword_prefix` falls back to its "Legacy" model,
 * which is a plain vocabulary lookup — exactly WordLevel. Its unknown-token id comes from
 * `tokenizer_config.json`'s `unk_token`, so that file must name it.
 */
import { SYLLABLE_PATTERN, syllablesOf } from './syllables.ts';

export const PAD_TOKEN = '[PAD]';
export const UNK_TOKEN = '[UNK]';
export const PAD_ID = 0;
export const UNK_ID = 1;

/** The vocabulary: primary spelling per id, plus alias spellings sharing an id (hoà → id of hòa). */
export interface ModelVocabulary {
  /** `tokens[id]` is the primary spelling; ids 0 and 1 are [PAD] and [UNK]. */
  tokens: string[];
  /** Extra spellings mapped to an existing id. */
  aliases: Array<[string, number]>;
}

/** Token → id map, aliases included: what both the reference and transformers.js look up. */
export function vocabularyMap(vocab: ModelVocabulary): Map<string, number> {
  const map = new Map<string, number>();
  vocab.tokens.forEach((t, id) => map.set(t, id));
  for (const [alias, id] of vocab.aliases) if (!map.has(alias)) map.set(alias, id);
  return map;
}

/**
 * Reference tokenizer: the ids transformers.js must produce for the same text (no special
 * tokens added, unknown syllables → [UNK]).
 * @example encodeReference(map, 'Tỷ lệ') // [id('tỷ'), id('lệ')]
 */
export function encodeReference(map: ReadonlyMap<string, number>, text: string): number[] {
  return syllablesOf(text).map((s) => map.get(s) ?? UNK_ID);
}

/**
 * Serialises tokenizer.json. Aliases come before primary spellings so that, where a JS map
 * inverts the vocabulary for decoding, the primary spelling wins. Written by hand (not
 * JSON.stringify on an object) so key order is exactly id order and output is byte-stable.
 */
export function tokenizerJson(vocab: ModelVocabulary, maxLength: number): string {
  const special = (id: number, content: string): string =>
    JSON.stringify({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const entries: string[] = [];
  const primary = new Set(vocab.tokens);
  for (const [alias, id] of vocab.aliases) {
    if (!primary.has(alias)) entries.push(`${JSON.stringify(alias)}:${id}`);
  }
  vocab.tokens.forEach((t, id) => entries.push(`${JSON.stringify(t)}:${id}`));
  const head = {
    version: '1.0',
    truncation: { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: null,
  };
  const normalizer = { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] };
  const preTokenizer = { type: 'Split', pattern: { Regex: SYLLABLE_PATTERN }, behavior: 'Removed', invert: true };
  return (
    '{\n' +
    `  "version": ${JSON.stringify(head.version)},\n` +
    `  "truncation": ${JSON.stringify(head.truncation)},\n` +
    `  "padding": null,\n` +
    `  "added_tokens": [\n    ${special(PAD_ID, PAD_TOKEN)},\n    ${special(UNK_ID, UNK_TOKEN)}\n  ],\n` +
    `  "normalizer": ${JSON.stringify(normalizer)},\n` +
    `  "pre_tokenizer": ${JSON.stringify(preTokenizer)},\n` +
    `  "post_processor": null,\n` +
    `  "decoder": null,\n` +
    `  "model": {"type": "WordLevel", "unk_token": ${JSON.stringify(UNK_TOKEN)}, "vocab": {\n    ${entries.join(',\n    ')}\n  }}\n` +
    '}\n'
  );
}

/** tokenizer_config.json: names the special tokens (transformers.js reads [UNK]'s id from here). */
export function tokenizerConfigJson(maxLength: number): string {
  return (
    JSON.stringify(
      {
        tokenizer_class: 'PreTrainedTokenizerFast',
        model_max_length: maxLength,
        pad_token: PAD_TOKEN,
        unk_token: UNK_TOKEN,
        padding_side: 'right',
        do_lower_case: true,
        clean_up_tokenization_spaces: false,
      },
      null,
      2,
    ) + '\n'
  );
}
