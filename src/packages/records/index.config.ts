export default definePageConfig({
  navigationBarTitleText: '认证记录',
})
