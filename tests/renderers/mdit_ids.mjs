// Heading ids as the JavaScript wiki engines give them, with their own packages:
//   github      github-slugger over the heading's text (GitHub's ids; markdown-it parses)
//   docusaurus  github-slugger, plus Docusaurus' `{#id}` heading-id syntax
//   vitepress   markdown-it + markdown-it-attrs + markdown-it-anchor with @mdit-vue/shared's
//               slugify, configured as VitePress' src/node/markdown/markdown.ts does
// usage: node mdit_ids.mjs ENGINE FILE...  -> one JSON line per file: [[level, id, text], ...]
import { readFileSync } from 'node:fs'
import MarkdownIt from 'markdown-it'
import anchor from 'markdown-it-anchor'
import attrs from 'markdown-it-attrs'
import GithubSlugger from 'github-slugger'
import { slugify } from '@mdit-vue/shared'

const [engine, ...files] = process.argv.slice(2)
const tokensText = (children) =>
  children.filter((t) => t.type === 'text' || t.type === 'code_inline').map((t) => t.content).join('')
// docusaurus-utils markdownUtils.ts parseMarkdownHeadingId
const HEADING_ID = /\s*\{#(?<id>(?:.(?!\{#|\}))*.)\}$/

for (const file of files) {
  const src = readFileSync(file, 'utf8')
  const out = []
  if (engine === 'vitepress') {
    const md = MarkdownIt({ html: true, linkify: true })
    md.use(attrs, { leftDelimiter: '{', rightDelimiter: '}', allowedAttributes: [] })
    md.use(anchor, { slugify, permalink: anchor.permalink.linkInsideHeader({ symbol: '&ZeroWidthSpace;' }) })
    const tokens = md.parse(src, {})
    tokens.forEach((t, i) => {
      if (t.type === 'heading_open') out.push([Number(t.tag.slice(1)), t.attrGet('id'), tokensText(tokens[i + 1].children)])
    })
  } else {
    const md = MarkdownIt({ html: true })
    const slugger = new GithubSlugger()
    const tokens = md.parse(src, {})
    tokens.forEach((t, i) => {
      if (t.type !== 'heading_open') return
      let text = tokensText(tokens[i + 1].children)
      let id
      if (engine === 'docusaurus') {
        const m = HEADING_ID.exec(text)
        if (m) { id = m.groups.id; text = text.replace(m[0], '') }
      }
      out.push([Number(t.tag.slice(1)), id ?? slugger.slug(text), text])
    })
  }
  console.log(JSON.stringify(out))
}
