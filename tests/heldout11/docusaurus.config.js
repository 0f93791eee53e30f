// @ts-check
// The staff wiki of ななつぼし動物病院 (Nanatsuboshi Animal Clinic, fictional).
// The docs live in notes/ (not the default docs/) and are served at the site root under /staff/.

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'ななつぼし動物病院 スタッフ wiki',
  tagline: '受付・診療・運営の決まりごと',
  url: 'https://wiki.nanatsuboshi-ah.example',
  baseUrl: '/staff/',
  onBrokenLinks: 'warn',
  i18n: { defaultLocale: 'ja', locales: ['ja'] },
  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        docs: {
          path: 'notes',
          routeBasePath: '/',
          sidebarPath: './sidebars.js',
          showLastUpdateTime: false,
        },
        blog: false,
      }),
    ],
  ],
  themeConfig: {
    navbar: {
      title: 'ななつぼし wiki',
      items: [{ type: 'docSidebar', sidebarId: 'wiki', position: 'left', label: 'Wiki' }],
    },
  },
};

module.exports = config;
