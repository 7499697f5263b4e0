import type { CompatApi } from './context.ts'

/**
 * Placeholder until this API is written: answers nothing.
 *
 * @example
 * await awsApi(request, new URL(request.url), ctx) // undefined
 */
export const awsApi: CompatApi = async () => undefined
