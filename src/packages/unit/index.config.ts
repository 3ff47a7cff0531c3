export default definePageConfig({
  navigationBarTitleText: '单位认证',
})
