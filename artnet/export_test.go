package artnet

// ErrorCodesForTest lists the ErrCode constants.
var ErrorCodesForTest = errorCodes
