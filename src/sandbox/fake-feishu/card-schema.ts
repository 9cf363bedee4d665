// Card JSON 2.0 as Feishu validates it: "unknown properties are rejected" (1.0 ignored them), every
// component's properties as its doc page lists them, value ranges, at most 200 elements. A card
// that breaks a rule is refused with 230099 and the sub-code Feishu documents for it, so a broken
// template fails in tests instead of in front of an office.
//
// Sources (doc-hub mirror wxkingstar/doc-hub-mcp @ 9617d88, feishu/001-开发指南/飞书卡片/…):
//  - Structure, config, body, 200 elements, update_multi only true:
//    https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
//  - Each component's field table (字段说明), on the page named in COMPONENTS below.
//  - Interactions (behaviors: callback {type, value}; open_url {type, default_url, pc_url, ios_url, android_url}):
//    https://open.feishu.cn/document/feishu-cards/configuring-card-interactions
//  - 230099 sub-codes: 200621 parse card json err, 11310 "element exceeds the limit", 200861 schema V2
//    no longer supports this tag, 200915 table rows name is invalid:
//    https://open.feishu.cn/document/server-docs/im-v1/message/create (230099 子错误码)
//  - Breaking changes 1.0 → 2.0 (no `action` module, no `note`, no i18n_elements, no fallback):
//    https://open.feishu.cn/document/feishu-cards/card-json-v2-breaking-changes-release-notes

const PAGE = 'https://open.feishu.cn/document/feishu-cards/card-json-v2-components';

/** Properties every 2.0 component may carry (element_id and margin are listed on each page). */
const COMMON = ['tag', 'element_id', 'margin'] as const;
const LAYOUT = ['direction', 'padding', 'horizontal_spacing', 'horizontal_align', 'vertical_spacing', 'vertical_align'] as const;

interface ComponentSpec {
  doc: string;
  props: readonly string[];
}

/** The components the doc pages describe, with every property their field tables list. */
export const COMPONENTS: Record<string, ComponentSpec> = {
  markdown: { doc: `${PAGE}/content-components/rich-text`, props: [...COMMON, 'text_align', 'text_size', 'icon', 'content'] },
  div: { doc: `${PAGE}/content-components/plain-text`, props: [...COMMON, 'width', 'text', 'icon'] },
  hr: { doc: `${PAGE}/content-components/divider`, props: [...COMMON] },
  table: {
    doc: `${PAGE}/content-components/table`,
    props: [...COMMON, 'page_size', 'row_height', 'row_max_height', 'header_style', 'freeze_first_column', 'columns', 'rows'],
  },
  chart: { doc: `${PAGE}/content-components/chart`, props: [...COMMON, 'aspect_ratio', 'color_theme', 'chart_spec', 'preview', 'height'] },
  button: {
    doc: `${PAGE}/interactive-components/button`,
    props: [...COMMON, 'type', 'size', 'width', 'text', 'icon', 'hover_tips', 'disabled', 'disabled_tips', 'confirm', 'behaviors', 'name', 'form_action_type'],
  },
  input: {
    doc: `${PAGE}/interactive-components/input`,
    props: [
      ...COMMON, 'name', 'required', 'disabled', 'disabled_tips', 'placeholder', 'default_value', 'width', 'behaviors', 'max_length',
      'input_type', 'show_icon', 'rows', 'auto_resize', 'max_rows', 'label', 'label_position', 'value', 'confirm',
    ],
  },
  select_static: {
    doc: `${PAGE}/interactive-components/single-select-dropdown-menu`,
    props: [...COMMON, 'type', 'name', 'required', 'disabled', 'initial_option', 'initial_index', 'placeholder', 'width', 'behaviors', 'options', 'confirm'],
  },
  form: { doc: `${PAGE}/containers/form-container`, props: ['tag', 'element_id', 'margin', ...LAYOUT, 'name', 'elements'] },
  column_set: {
    doc: `${PAGE}/containers/column-set`,
    props: [...COMMON, 'horizontal_spacing', 'horizontal_align', 'flex_mode', 'background_style', 'action', 'columns'],
  },
  column: {
    doc: `${PAGE}/containers/column-set`,
    props: [...COMMON, 'background_style', 'width', 'weight', ...LAYOUT, 'elements', 'action'],
  },
};

/** 1.0 tags that 2.0 dropped (200861). */
const V1_ONLY_TAGS = new Set(['action', 'note']);

const ROOT_PROPS = ['schema', 'config', 'card_link', 'header', 'body'];
const CONFIG_PROPS = ['streaming_mode', 'streaming_config', 'summary', 'locales', 'enable_forward', 'update_multi', 'width_mode', 'use_custom_translation', 'enable_forward_interaction', 'style'];
const HEADER_PROPS = ['title', 'subtitle', 'text_tag_list', 'i18n_text_tag_list', 'template', 'icon', 'padding']; // …/content-components/title
const BODY_PROPS = [...LAYOUT, 'elements'];
const TEXT_PROPS = ['tag', 'content', 'i18n_content'];
const DIV_TEXT_PROPS = ['tag', 'element_id', 'content', 'i18n_content', 'text_size', 'text_color', 'text_align', 'lines'];
const TABLE_HEADER_STYLE_PROPS = ['text_align', 'text_size', 'background_style', 'text_color', 'bold', 'lines'];
const TABLE_COLUMN_PROPS = ['name', 'display_name', 'width', 'vertical_align', 'horizontal_align', 'data_type', 'format', 'date_format'];
const OPTION_PROPS = ['text', 'icon', 'value'];
const BEHAVIOR_PROPS: Record<string, readonly string[]> = {
  callback: ['type', 'value'],
  open_url: ['type', 'default_url', 'pc_url', 'ios_url', 'android_url'],
};
const HEADER_TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);
const BUTTON_TYPES = new Set(['default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser']);
const INPUT_TYPES = new Set(['text', 'multiline_text', 'password']);
const DATA_TYPES = new Set(['text', 'lark_md', 'options', 'number', 'persons', 'date', 'markdown']);

/** At most this many components and elements (objects with a `tag`) in one card. */
export const MAX_CARD_ELEMENTS = 200;

export interface CardSchemaProblem {
  code: 230099;
  subCode: number;
  path: string;
  msg: string;
}

class Invalid extends Error {
  constructor(
    readonly subCode: number,
    readonly path: string,
    readonly why: string,
  ) {
    super(why);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function only(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new Invalid(200621, path, `unknown property "${key}"`);
  }
}

function text(v: unknown, path: string, props: readonly string[] = TEXT_PROPS, maxChars?: number): void {
  if (!isObject(v)) throw new Invalid(200621, path, 'text must be an object {tag, content}');
  only(v, props, path);
  if (v['tag'] !== 'plain_text' && v['tag'] !== 'lark_md') throw new Invalid(200621, path, `text tag must be plain_text or lark_md, not ${JSON.stringify(v['tag'])}`);
  if (maxChars !== undefined && typeof v['content'] === 'string' && [...v['content']].length > maxChars) {
    throw new Invalid(200621, path, `content longer than ${maxChars} characters`);
  }
}

function behaviors(v: unknown, path: string): void {
  if (!Array.isArray(v)) throw new Invalid(200621, path, 'behaviors must be an array');
  v.forEach((b, i) => {
    const p = `${path} -> [${i}]`;
    if (!isObject(b) || typeof b['type'] !== 'string' || !BEHAVIOR_PROPS[b['type']]) throw new Invalid(200621, p, 'behavior type must be callback or open_url');
    only(b, BEHAVIOR_PROPS[b['type']]!, p);
  });
}

/**
 * Validates a card JSON 2.0 (schema "2.0") as Feishu does. Returns the problem Feishu would answer
 * (230099 with its sub-code and path), or undefined for a valid card.
 */
export function validateCardV2(card: Record<string, unknown>): CardSchemaProblem | undefined {
  try {
    only(card, ROOT_PROPS, 'ROOT');
    if (card['config'] !== undefined) {
      const config = card['config'];
      if (!isObject(config)) throw new Invalid(200621, 'ROOT -> config', 'config must be an object');
      only(config, CONFIG_PROPS, 'ROOT -> config');
      if (config['update_multi'] !== undefined && config['update_multi'] !== true) throw new Invalid(200621, 'ROOT -> config', 'update_multi can only be true in card JSON 2.0');
      if (config['summary'] !== undefined) {
        if (!isObject(config['summary'])) throw new Invalid(200621, 'ROOT -> config -> summary', 'summary must be an object');
        only(config['summary'], ['content', 'i18n_content'], 'ROOT -> config -> summary');
      }
    }
    if (card['header'] !== undefined) {
      const header = card['header'];
      if (!isObject(header)) throw new Invalid(200621, 'ROOT -> header', 'header must be an object');
      only(header, HEADER_PROPS, 'ROOT -> header');
      text(header['title'], 'ROOT -> header -> title');
      if (header['subtitle'] !== undefined) text(header['subtitle'], 'ROOT -> header -> subtitle');
      if (header['template'] !== undefined && !HEADER_TEMPLATES.has(String(header['template']))) {
        throw new Invalid(200621, 'ROOT -> header', `unknown header template ${JSON.stringify(header['template'])}`);
      }
    }
    const body = card['body'];
    if (!isObject(body) || !Array.isArray(body['elements'])) throw new Invalid(200621, 'ROOT -> body', 'body.elements missing');
    only(body, BODY_PROPS, 'ROOT -> body');
    const count = { n: 0 };
    elements(body['elements'], 'ROOT -> body -> elements', count, false);
    if (count.n > MAX_CARD_ELEMENTS) throw new Invalid(11310, 'ROOT -> body', `element exceeds the limit (${count.n} > ${MAX_CARD_ELEMENTS})`);
    return undefined;
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    return { code: 230099, subCode: err.subCode, path: err.path, msg: `Failed to create card content, ext=ErrCode: ${err.subCode}; ErrPath: ${err.path}; ErrMsg: ${err.why}; ` };
  }
}

function elements(list: unknown, path: string, count: { n: number }, inForm: boolean): void {
  if (!Array.isArray(list)) throw new Invalid(200621, path, 'elements must be an array');
  list.forEach((el, i) => component(el, `${path} -> [${i}]`, count, inForm));
}

function component(el: unknown, path: string, count: { n: number }, inForm: boolean): void {
  if (!isObject(el) || typeof el['tag'] !== 'string') throw new Invalid(200621, path, 'a component must be an object with a tag');
  const tag = el['tag'];
  const where = `${path}(tag: ${tag})`;
  if (V1_ONLY_TAGS.has(tag)) throw new Invalid(200861, where, `cards of schema V2 no longer support this capability; unsupported tag ${tag}`);
  const spec = COMPONENTS[tag];
  if (!spec) throw new Invalid(200621, where, `unknown component tag ${tag}`);
  only(el, spec.props, where);
  count.n += 1;
  const countText = (v: unknown) => {
    if (isObject(v)) count.n += 1;
  };
  switch (tag) {
    case 'markdown':
      if (typeof el['content'] !== 'string') throw new Invalid(200621, where, 'markdown content must be a string');
      break;
    case 'div':
      if (el['text'] !== undefined) {
        text(el['text'], `${where} -> text`, DIV_TEXT_PROPS);
        countText(el['text']);
      }
      break;
    case 'button':
      if (el['type'] !== undefined && !BUTTON_TYPES.has(String(el['type']))) throw new Invalid(200621, where, `unknown button type ${JSON.stringify(el['type'])}`);
      if (el['text'] !== undefined) {
        text(el['text'], `${where} -> text`, TEXT_PROPS, 100);
        countText(el['text']);
      }
      if (el['behaviors'] !== undefined) behaviors(el['behaviors'], `${where} -> behaviors`);
      if (inForm && (typeof el['name'] !== 'string' || !el['name'])) throw new Invalid(200621, where, 'a component in a form needs a name');
      if (el['form_action_type'] !== undefined && !['submit', 'reset'].includes(String(el['form_action_type']))) throw new Invalid(200621, where, 'form_action_type must be submit or reset');
      break;
    case 'input': {
      const max = el['max_length'];
      // "max_length … 可取 1~1,000 范围内的整数" (input page).
      if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 1000)) {
        throw new Invalid(200621, where, `max_length must be an integer from 1 to 1000, not ${JSON.stringify(max)}`);
      }
      if (el['input_type'] !== undefined && !INPUT_TYPES.has(String(el['input_type']))) throw new Invalid(200621, where, `unknown input_type ${JSON.stringify(el['input_type'])}`);
      if (el['placeholder'] !== undefined) {
        text(el['placeholder'], `${where} -> placeholder`, TEXT_PROPS, 100);
        countText(el['placeholder']);
      }
      if (el['label'] !== undefined) text(el['label'], `${where} -> label`);
      if (el['behaviors'] !== undefined) behaviors(el['behaviors'], `${where} -> behaviors`);
      if (inForm && (typeof el['name'] !== 'string' || !el['name'])) throw new Invalid(200621, where, 'a component in a form needs a name');
      break;
    }
    case 'select_static':
      if (el['placeholder'] !== undefined) {
        text(el['placeholder'], `${where} -> placeholder`);
        countText(el['placeholder']);
      }
      if (el['options'] !== undefined) {
        if (!Array.isArray(el['options'])) throw new Invalid(200621, where, 'options must be an array');
        el['options'].forEach((o, j) => {
          const p = `${where} -> options -> [${j}]`;
          if (!isObject(o)) throw new Invalid(200621, p, 'an option must be an object');
          only(o, OPTION_PROPS, p);
          text(o['text'], `${p} -> text`);
          if (typeof o['value'] !== 'string') throw new Invalid(200621, p, 'option value must be a string');
        });
      }
      if (el['behaviors'] !== undefined) behaviors(el['behaviors'], `${where} -> behaviors`);
      if (inForm && (typeof el['name'] !== 'string' || !el['name'])) throw new Invalid(200621, where, 'a component in a form needs a name');
      break;
    case 'form':
      // A form sits in the body or a container, never in another form; it needs a name.
      if (inForm) throw new Invalid(200621, where, 'a form cannot contain a form');
      if (typeof el['name'] !== 'string' || !el['name']) throw new Invalid(200621, where, 'form needs a name');
      elements(el['elements'], `${where} -> elements`, count, true);
      break;
    case 'column_set':
      if (!Array.isArray(el['columns'])) throw new Invalid(200621, where, 'column_set needs columns');
      el['columns'].forEach((c, j) => {
        const p = `${where} -> columns -> [${j}]`;
        if (!isObject(c) || c['tag'] !== 'column') throw new Invalid(200621, p, 'columns must be column components');
        component(c, `${where} -> columns -> [${j}]`, count, inForm);
      });
      break;
    case 'column':
      if (el['elements'] !== undefined) elements(el['elements'], `${where} -> elements`, count, inForm);
      break;
    case 'table': {
      if (inForm) throw new Invalid(200621, where, 'a table cannot be inside a form');
      const size = el['page_size'];
      if (size !== undefined && (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 10)) throw new Invalid(200621, where, 'page_size must be an integer from 1 to 10');
      if (el['header_style'] !== undefined) {
        if (!isObject(el['header_style'])) throw new Invalid(200621, where, 'header_style must be an object');
        only(el['header_style'], TABLE_HEADER_STYLE_PROPS, `${where} -> header_style`);
      }
      if (!Array.isArray(el['columns'])) throw new Invalid(200621, where, 'table needs columns');
      const names = new Set<string>();
      el['columns'].forEach((c, j) => {
        const p = `${where} -> columns -> [${j}]`;
        if (!isObject(c) || typeof c['name'] !== 'string') throw new Invalid(200621, p, 'a column needs a name');
        only(c, TABLE_COLUMN_PROPS, p);
        if (c['data_type'] !== undefined && !DATA_TYPES.has(String(c['data_type']))) throw new Invalid(200621, p, `unknown data_type ${JSON.stringify(c['data_type'])}`);
        names.add(c['name']);
      });
      if (!Array.isArray(el['rows'])) throw new Invalid(200914, where, 'table rows is invalid');
      el['rows'].forEach((r, j) => {
        if (!isObject(r)) throw new Invalid(200914, `${where} -> rows -> [${j}]`, 'table rows is invalid');
        for (const k of Object.keys(r)) if (!names.has(k)) throw new Invalid(200915, `${where} -> rows -> [${j}]`, `table rows name is invalid: ${k}`);
      });
      break;
    }
    case 'chart':
      if (!isObject(el['chart_spec'])) throw new Invalid(200550, where, 'chart spec is invalid');
      break;
  }
}
