import * as v from 'valibot'
import { CallerSchema, InsuranceTypeSchema } from './common'

/** Chinese names, including minority names with the middle dot (·). */
export const NAME_PATTERN = /^[\u4e00-\u9fa5\u3400-\u4dbf·•]{2,20}$/
/** Social security card numbers: 9 to 20 letters or digits, as printed on the card. */
export const CARD_NUMBER_PATTERN = /^[A-Za-z0-9]{9,20}$/

/** An empty name is told 请填写姓名 (NAME_REQUIRED), not that it is wrong. */
export const NameSchema = v.pipe(v.string('NAME_INVALID'), v.trim(), v.nonEmpty('NAME_REQUIRED'), v.regex(NAME_PATTERN, 'NAME_INVALID'))
export const CardNumberSchema = v.pipe(
  v.string('CARD_NUMBER_INVALID'),
  v.trim(),
  v.toUpperCase(),
  v.regex(CARD_NUMBER_PATTERN, 'CARD_NUMBER_INVALID'),
)
/** Shape only; the GB 11643 rules (with their reasons) are applied by validateIdNumber. */
export const IdNumberInputSchema = v.pipe(v.string('ID_LENGTH'), v.trim(), v.toUpperCase(), v.maxLength(32, 'ID_LENGTH'))

/** What a person types on the 绑定社保卡 page. */
export const BindManualFormSchema = v.object({
  name: NameSchema,
  idNumber: IdNumberInputSchema,
  cardNumber: CardNumberSchema,
  insuranceType: InsuranceTypeSchema,
})
export type BindManualForm = v.InferOutput<typeof BindManualFormSchema>

export const BindSscFormSchema = v.object({
  authorization: v.pipe(v.string('SSC_AUTH_INVALID'), v.minLength(16, 'SSC_AUTH_INVALID'), v.maxLength(2048, 'SSC_AUTH_INVALID')),
})
export type BindSscForm = v.InferOutput<typeof BindSscFormSchema>

/** Cloud function `bindIdentity` event: one of the two ways to bind. */
export const BindIdentityEventSchema = v.variant('method', [
  v.object({ method: v.literal('manual'), ...BindManualFormSchema.entries }),
  v.object({ method: v.literal('ssc'), ...BindSscFormSchema.entries }),
])
export type BindIdentityEvent = v.InferOutput<typeof BindIdentityEventSchema>

/** Backend request bodies. */
export const BackendBindManualSchema = v.object({ caller: CallerSchema, ...BindManualFormSchema.entries })
export const BackendBindSscSchema = v.object({ caller: CallerSchema, ...BindSscFormSchema.entries })
export const BackendCallerOnlySchema = v.object({ caller: CallerSchema })
export const BackendLocalSscAuthorizeSchema = v.object({ caller: CallerSchema, name: NameSchema, idNumber: IdNumberInputSchema })
