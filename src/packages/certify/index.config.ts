export default definePageConfig({
  navigationBarTitleText: '刷脸认证',
})
