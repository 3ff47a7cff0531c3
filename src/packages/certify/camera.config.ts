export default definePageConfig({
  navigationBarTitleText: '刷脸认证',
  // The page is one screen: no scrolling or bouncing while the person holds still.
  disableScroll: true,
  // Prompts are spoken; keep the screen on is done by the page (setKeepScreenOn).
})
