export default definePageConfig({
  navigationBarTitleText: '电子社保卡授权',
})
