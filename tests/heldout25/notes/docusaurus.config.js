// @ts-check
// ゆずのき歯科クリニック スタッフ Wiki (Docusaurus 3.10, docs-only). Everything in this site is fictional.

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'ゆずのき歯科 スタッフ Wiki',
  url: 'https://wiki.yuzunoki-dental.example',
  baseUrl: '/',
  trailingSlash: false,
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {
    format: 'mdx',
    hooks: {onBrokenMarkdownLinks: 'throw'},
  },
  i18n: {defaultLocale: 'ja', locales: ['ja']},
  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        docs: {
          path: 'docs',
          routeBasePath: 'manual',
          sidebarPath: './sidebars.js',
        },
        blog: false,
        pages: false,
      }),
    ],
  ],
};

module.exports = config;
