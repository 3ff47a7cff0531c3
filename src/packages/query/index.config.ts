export default definePageConfig({
  navigationBarTitleText: '认证查询',
})
