export default definePageConfig({
  navigationBarTitleText: '绑定社保卡',
})
