export default definePageConfig({
  navigationBarTitleText: '消息发件箱（开发用）',
})
