// VitePress 1.6 config for the h27 held-out wiki (fictional). Plain object: no import from 'vitepress'.
export default {
  lang: 'ja-JP',
  title: 'ひだまりデイサービス スタッフWiki',
  description: '社会福祉法人こもれび福祉会 ひだまりデイサービスセンターのスタッフ用 Wiki（架空）',
  base: '/daycare-wiki/',
  srcDir: 'docs',
  cleanUrls: true,
  lastUpdated: false,
  sitemap: {
    hostname: 'https://hidamari.example/daycare-wiki/'
  },
  themeConfig: {
    outline: [2, 3],
    sidebar: [
      { text: 'はじめに', items: [
        { text: 'ホーム', link: '/' },
        { text: 'Daily schedule', link: '/staff/daily-schedule' },
        { text: 'New staff: first week', link: '/staff/onboarding' }
      ] },
      { text: '送迎', items: [
        { text: '送迎の基本', link: '/transport/' },
        { text: '送迎ルート', link: '/transport/routes' }
      ] },
      { text: 'ケア', items: [
        { text: '入浴', link: '/care/bathing' },
        { text: '食事・アレルギー', link: '/care/meals' },
        { text: '薬', link: '/care/medication' },
        { text: 'バイタル', link: '/care/vitals' }
      ] },
      { text: '安全', items: [
        { text: 'ヒヤリハット', link: '/safety/hiyari-hatto' },
        { text: '防災訓練', link: '/safety/disaster' },
        { text: 'Emergency contacts', link: '/safety/emergency-contacts' }
      ] },
      { text: '勤務・事務', items: [
        { text: 'シフト', link: '/staff/shifts' },
        { text: '利用料', link: '/billing/' },
        { text: 'Visitors', link: '/visitors' }
      ] },
      { text: 'IT', items: [
        { text: 'Tablet app', link: '/it/tablet-app' },
        { text: 'Wi-Fi and printer', link: '/it/wifi-printer' }
      ] },
      { text: 'その他', items: [
        { text: 'FAQ', link: '/faq' },
        { text: 'Glossary', link: '/glossary' }
      ] }
    ]
  }
}
