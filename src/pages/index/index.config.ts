export default definePageConfig({
  navigationBarTitleText: '银龄认证',
})
