export default definePageConfig({
  navigationBarTitleText: '发给家人认证',
  // useShareAppMessage only works when the page enables it (WeChat shows 转发 and open-type="share").
  enableShareAppMessage: true,
})
