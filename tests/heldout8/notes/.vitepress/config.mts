import { defineConfig } from 'vitepress'

// The staff wiki of the north waste-collection office (fictional), served under /north/.
export default defineConfig({
  lang: 'ja-JP',
  title: '北清掃事務所 Wiki',
  base: '/north/',
  cleanUrls: true,
  lastUpdated: false,
  themeConfig: {
    sidebar: [
      { text: '収集', items: [
        { text: '収集ルートと開始時刻', link: '/collection/routes' },
        { text: '分別区分と出し方', link: '/collection/sorting' },
        { text: 'Bulky waste pickup', link: '/collection/bulky-waste' },
        { text: '取り残し・苦情の対応', link: '/collection/missed-pickup' },
      ] },
      { text: '車両', items: [
        { text: '始業点検', link: '/vehicles/daily-inspection' },
        { text: 'Packer truck operation', link: '/vehicles/packer-truck' },
        { text: '給油と整備', link: '/vehicles/fuel-maintenance' },
        { text: 'Accidents and damage reports', link: '/vehicles/accidents' },
      ] },
      { text: '安全', items: [
        { text: '熱中症対策', link: '/safety/heat' },
        { text: 'Hazardous items in the load', link: '/safety/hazards' },
        { text: '保護具', link: '/safety/ppe' },
      ] },
      { text: '事務', items: [
        { text: '勤務シフトと年末年始', link: '/office/shifts' },
        { text: '電話窓口', link: '/office/phone-desk' },
        { text: 'RouteBoard tablet app', link: '/office/routeboard' },
      ] },
    ],
  },
})
