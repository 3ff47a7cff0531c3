/**
 * 家人 (relatives): an account links up to 8 roster persons it helps (代他人认证), each with the
 * relation as the account holder sees it. The API names a link by an opaque `relativeId` (random,
 * per account), never by the person's id, name or ID number. Issue messages are error codes.
 */
import * as v from 'valibot'
import { BoundStatusViewSchema, STANDING_ENTRIES } from './views'
import { CallerSchema } from './common'
import { IdNumberInputSchema, NameSchema } from './binding'

/** The relation the account holder recorded: the person is my 父亲 / 母亲 / 配偶 / 其他亲属. */
export const RELATIONS = ['father', 'mother', 'spouse', 'other'] as const
export type Relation = (typeof RELATIONS)[number]
export const RELATION_LABELS: Record<Relation, string> = {
  father: '父亲',
  mother: '母亲',
  spouse: '配偶',
  other: '其他亲属',
}
export const RelationSchema = v.picklist(RELATIONS, 'RELATION_INVALID')

/** At most this many active relatives per account (电子社保卡 亲情服务 allows 8 too). */
export const MAX_RELATIVES = 8

/** Opaque relative id: a random UUID. */
export const RelativeIdSchema = v.pipe(v.string('RELATIVE_NOT_FOUND'), v.uuid('RELATIVE_NOT_FOUND'))

/** What a person types on the 添加家人 page. */
export const AddRelativeFormSchema = v.object({
  name: NameSchema,
  idNumber: IdNumberInputSchema,
  relation: RelationSchema,
})
export type AddRelativeForm = v.InferOutput<typeof AddRelativeFormSchema>

export const RelativeRefSchema = v.object({ relativeId: RelativeIdSchema })
export type RelativeRef = v.InferOutput<typeof RelativeRefSchema>

/** One entry of the 家人 list: masked, with the relative's certification state. */
export const RelativeViewSchema = v.object({
  relativeId: v.string(),
  maskedName: v.string(),
  relation: v.picklist(RELATIONS),
  relationLabel: v.string(),
  ...STANDING_ENTRIES,
  /** Expiry of the newest share link still usable, if one was sent (ISO). */
  shareActiveUntil: v.optional(v.string()),
  addedAt: v.string(),
})
export type RelativeView = v.InferOutput<typeof RelativeViewSchema>

export const RelativesViewSchema = v.object({
  relatives: v.array(RelativeViewSchema),
  /** MAX_RELATIVES, so the page can say how many more may be added. */
  max: v.number(),
})
export type RelativesView = v.InferOutput<typeof RelativesViewSchema>

export const RemovedViewSchema = v.object({ removed: v.literal(true) })

/** Backend request bodies. */
export const BackendAddRelativeSchema = v.object({ caller: CallerSchema, ...AddRelativeFormSchema.entries })
export const BackendRelativeRefSchema = v.object({ caller: CallerSchema, ...RelativeRefSchema.entries })

/** 认证查询: look a person up by name + ID number (signed-in accounts, rate-limited, masked answer). */
export const StatusQueryFormSchema = v.object({ name: NameSchema, idNumber: IdNumberInputSchema })
export type StatusQueryForm = v.InferOutput<typeof StatusQueryFormSchema>
export const BackendStatusQuerySchema = v.object({ caller: CallerSchema, ...StatusQueryFormSchema.entries })
/** The masked status of the person asked about (the same fields as the 本人 status view). */
export const StatusQueryViewSchema = BoundStatusViewSchema
export type StatusQueryView = v.InferOutput<typeof StatusQueryViewSchema>
