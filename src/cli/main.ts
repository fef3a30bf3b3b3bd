export async function main(a: string[]): Promise<number> { console.log(a); return 0; }
