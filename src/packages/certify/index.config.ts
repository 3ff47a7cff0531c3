export default definePageConfig({
  navigationBarTitleText: '认证须知',
})
