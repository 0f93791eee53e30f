// @ts-check
// Minimal Docusaurus v3 config for the Kumoya platform wiki (fictional).
// Docs-only mode: the docs folder is ./notes and docs are served at the site root.

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Kumoya Platform Wiki',
  url: 'https://wiki.kumoya.example.com',
  baseUrl: '/',
  trailingSlash: false,
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onBrokenMarkdownLinks: 'throw',
  i18n: { defaultLocale: 'ja', locales: ['ja'] },
  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        docs: {
          path: 'notes',
          routeBasePath: '/',
          sidebarPath: require.resolve('./sidebars.js'),
        },
        blog: false,
        pages: false,
        theme: {},
      }),
    ],
  ],
};

module.exports = config;
