import { defineConfig } from 'vitepress'

// Staff wiki of 劇団ささなみ / 七瀬川アトリエ劇場 (fictional).
// Served at https://staff.sasanami-za.example.jp/wiki/ — pages are .md files under notes/ (srcDir = site root).
export default defineConfig({
  lang: 'ja-JP',
  title: 'ささなみ スタッフWiki',
  description: '劇団ささなみ・七瀬川アトリエ劇場のスタッフ向け Wiki（架空）',
  base: '/wiki/',
  cleanUrls: true,            // /wiki/stage/lighting (no .html)
  lastUpdated: false,
  srcExclude: ['README.md'],
  markdown: {
    // VitePress defaults: markdown-it-anchor with VitePress's own slugify, markdown-it-attrs for {#id}
    lineNumbers: false,
  },
  themeConfig: {
    outline: { level: [2, 3], label: 'このページの内容' },
    nav: [
      { text: 'ホーム', link: '/' },
      { text: 'FAQ', link: '/faq' },
      { text: '用語集', link: '/glossary' },
    ],
    sidebar: [
      {
        text: '公演制作',
        items: [
          { text: '公演スケジュール', link: '/production/schedule' },
          { text: 'Rehearsal rules', link: '/production/rehearsal-rules' },
        ],
      },
      {
        text: '舞台',
        items: [
          { text: '仕込みとバラシ', link: '/stage/load-in' },
          { text: 'Rigging and flying safety', link: '/stage/rigging-safety' },
          { text: '照明', link: '/stage/lighting' },
          { text: 'Sound', link: '/stage/sound' },
          { text: '衣裳', link: '/wardrobe/costumes' },
        ],
      },
      {
        text: '表まわり（FOH）',
        items: [
          { text: 'チケット', link: '/front-of-house/tickets' },
          { text: '公演中止と払い戻し', link: '/front-of-house/cancellation' },
          { text: 'Front-of-house manual', link: '/front-of-house/foh-manual' },
        ],
      },
      {
        text: '運営',
        items: [
          { text: 'Crew calls and shifts', link: '/operations/crew-calls' },
          { text: '経費精算', link: '/operations/expenses' },
          { text: '緊急時の対応', link: '/safety/emergency' },
          { text: '公演報告書', link: '/reports/post-show-report' },
        ],
      },
      {
        text: 'はじめての人へ',
        items: [
          { text: '新人スタッフ向け', link: '/onboarding/new-crew' },
          { text: 'New crew (English)', link: '/onboarding/new-crew-en' },
          { text: 'よくある質問', link: '/faq' },
          { text: 'Glossary / 用語集', link: '/glossary' },
        ],
      },
      // front-of-house/cancellation-2024.md (【旧版】) is deliberately not in the sidebar
    ],
    search: { provider: 'local' },
  },
})
