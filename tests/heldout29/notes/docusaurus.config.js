// @ts-check
// 潮見市民オーケストラ 事務局・ステージ班 wiki (Docusaurus 3)
// ビルド方法は README.md を見てください。

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: '潮オケ 事務局・ステージ班 Wiki',
  tagline: '団内向けです。外部に共有しないでください',

  url: 'https://example.org',
  baseUrl: '/orch-wiki/',

  organizationName: 'shiomi-orch',
  projectName: 'orch-wiki',

  onBrokenLinks: 'throw',
  onBrokenMarkdownLinks: 'warn',

  i18n: {
    defaultLocale: 'ja',
    locales: ['ja', 'en'],
    localeConfigs: {
      ja: {label: '日本語', htmlLang: 'ja-JP'},
      en: {label: 'English', htmlLang: 'en-US'},
    },
  },

  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        docs: {
          sidebarPath: './sidebars.js',
          showLastUpdateTime: false,
        },
        blog: false,
        theme: {
          customCss: './src/css/custom.css',
        },
      }),
    ],
  ],

  themeConfig:
    /** @type {import('@docusaurus/preset-classic').ThemeConfig} */
    ({
      navbar: {
        title: '潮オケ Wiki',
        items: [
          {type: 'docSidebar', sidebarId: 'wiki', position: 'left', label: 'Wiki'},
          {type: 'localeDropdown', position: 'right'},
        ],
      },
      footer: {
        style: 'dark',
        copyright: `潮見市民オーケストラ 事務局・ステージ班（団内向け）`,
      },
    }),
};

export default config;
