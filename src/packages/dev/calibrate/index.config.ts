export default definePageConfig({
  navigationBarTitleText: '人脸关键点校准（开发用）',
})
