export default definePageConfig({
  navigationBarTitleText: '申诉 / 上门认证',
})
