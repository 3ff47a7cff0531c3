/**
 * Registers the certify subpackage's recorded prompts with the speech service. Imported by every page
 * of the subpackage, so the clips (and their manifest) never end up in the main package.
 */
import { registerPromptAudio } from '@/services/speech'
import { PROMPT_AUDIO } from './audio/manifest'

registerPromptAudio(PROMPT_AUDIO)

export { PROMPT_AUDIO }
